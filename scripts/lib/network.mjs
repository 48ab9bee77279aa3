// Whether a download host can be reached, asked without downloading: its name resolves within a few seconds.
// Behind a proxy names often resolve only at the proxy, so a configured proxy counts as reachable (the
// download then says for itself whether it worked).
import dns from 'node:dns';

const PROXY_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'npm_config_https_proxy',
  'npm_config_proxy',
  'GLOBAL_AGENT_HTTPS_PROXY',
];

export function proxyConfigured(env = process.env) {
  return PROXY_VARIABLES.some((k) => Boolean(env[k]));
}

/** @returns {Promise<boolean>} */
export async function hostReachable(host, env = process.env, timeoutMs = 3000) {
  if (proxyConfigured(env)) return true;
  const name = host.replace(/:\d+$/, '');
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const lookup = dns.promises.lookup(name).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([lookup, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
