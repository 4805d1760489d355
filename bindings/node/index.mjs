// ES module entry: the same classes as the CommonJS entry (one addon instance),
// as named exports and as the default export (the whole module object).
import cloudsso from './index.js';

export const { Client, CloudSSOError, ResetUserPasswordResult, version, coreVersion } = cloudsso;
export default cloudsso;
