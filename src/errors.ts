// The action's error types. Known failures are ActionError (user-facing, one
// line: object, failure, cause, fix); everything else is reported as
// "Unexpected error" with its stack at debug level.

export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'ActionError';
  }
}

/** A command exited non-zero; `tail` keeps the lines that explain why. */
export class ExecError extends Error {
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly tail: string,
  ) {
    super(
      `${[tool, ...args.slice(0, 2)].join(' ')} failed with exit code ${exitCode}${tail ? `: ${tail}` : ''}`,
    );
    this.name = 'ExecError';
  }
}

/** A registry answered with a status we do not retry, or a request failed for good. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `code` of a Node or undici error ('ECONNRESET', 'UND_ERR_SOCKET', …), when it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
