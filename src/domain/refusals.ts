/** A request we refused, kept so an operator can see what VCC sent and why it was refused. */
export interface Refusal {
  receivedAt: number;
  method: string;
  status: number;
  code: string;
  message: string;
  /** The failing JSON path, when validation refused it. */
  path: string | null;
  /** Redacted (no password) and truncated body excerpt, or null when none is kept. */
  body: string | null;
  contentType: string | null;
  remoteAddr: string | null;
}

export interface StoredRefusal extends Refusal {
  id: number;
}
