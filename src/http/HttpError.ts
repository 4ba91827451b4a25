/**
 * A refusal with a stable code, the HTTP status that fits, and a message safe to show
 * (it never holds a secret, the body, or a password). `path` names the failing JSON path.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: string | null = null,
  ) {
    super(message);
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.path !== null ? { path: this.path } : {}) } };
  }
}
