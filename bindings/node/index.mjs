// ES module entry: the same classes as the CommonJS entry (one addon instance).
import cloudsso from './index.js';

export const { Client, CloudSSOError, ResetUserPasswordResult, version, coreVersion } = cloudsso;
