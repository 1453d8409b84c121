/**
 * The one error class dataset loading throws.
 *
 * @module
 */

/**
 * A dataset could not be loaded. The message is one user-facing line, e.g.
 * `Cannot load dataset "org/x": the hub answered 404 (dataset not found)`.
 */
export class DatasetError extends Error {
  /** Builds the error; `cause` keeps the underlying error for debugging. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatasetError";
  }
}
