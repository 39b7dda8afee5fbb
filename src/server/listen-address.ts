// `HOST:PORT` listen addresses as the command line takes them.

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(value: string, flag: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new Error(`${flag}: expected HOST:PORT (for example 127.0.0.1:5000), got ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

export function formatUrl(address: ListenAddress, scheme = "http"): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${scheme}://${host}:${address.port}`;
}
