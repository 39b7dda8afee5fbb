// Turns the username and password of HTTP Basic credentials into a principal. Every client
// Skiff serves (docker, skopeo, kubectl) can send Basic credentials, so both kinds of Skiff
// credential travel as a password:
//   - a login token, with the user's name as username (`docker login -u alice -p TOKEN`);
//   - an access key secret, with either the key id or the user's name as username.
import { isAccessKeyId } from "./access-keys.js";
import type { TokenService } from "./tokens.js";
import type { UserStore } from "./users.js";

/** Who is acting: an existing user, as of the moment the credentials were checked. */
export interface Principal {
  name: string;
  admin: boolean;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface AuthenticatorOptions {
  users: UserStore;
  tokens: TokenService;
}

// A JWT is three base64url parts; access key secrets never contain a dot.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class Authenticator {
  readonly #users: UserStore;
  readonly #tokens: TokenService;

  constructor(options: AuthenticatorOptions) {
    this.#users = options.users;
    this.#tokens = options.tokens;
  }

  /**
   * The principal that `username` and `password` prove, or undefined. Users deleted after
   * their token was issued are refused, and admin rights are read now, not from the token.
   */
  async authenticateBasic(username: string, password: string): Promise<Principal | undefined> {
    if (username === "" || password === "") return undefined;
    const name = JWT_SHAPE.test(password)
      ? await this.#loginTokenUser(username, password)
      : this.#users.verifyAccessKey(
          isAccessKeyId(username) ? { id: username } : { user: username },
          password,
        );
    if (name === undefined) return undefined;
    const user = this.#users.getUser(name);
    return user && { name: user.name, admin: user.admin };
  }

  /** See the free function `parseBasicAuthorization`. */
  parseBasicAuthorization(header: string): BasicCredentials | undefined {
    return parseBasicAuthorization(header);
  }

  async #loginTokenUser(username: string, token: string): Promise<string | undefined> {
    const claims = await this.#tokens.verifyLoginToken(token);
    return claims?.user === username ? claims.user : undefined;
  }
}

/**
 * The credentials of an `Authorization: Basic base64(username:password)` header value;
 * undefined for any other scheme or a malformed value. The password may contain colons.
 */
export function parseBasicAuthorization(header: string): BasicCredentials | undefined {
  const match = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
