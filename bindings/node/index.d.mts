// Types of the ES module entry (index.mjs): the named exports of index.d.ts and
// a default export holding all of them, as `import cloudsso from 'cloudsso'` gets.
import cloudsso from './index.js'

export * from './index.js'
export default cloudsso
