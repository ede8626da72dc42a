/**
 * Runs before each test file. The kernel tests use tfjs's cpu backend as their reference on purpose; on first
 * use it prints a banner advising tfjs-node, once per test file. That advice is for users, not for a test run.
 */
const warn = console.warn;
console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
  warn(...args);
};
