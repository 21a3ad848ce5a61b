import { EvaluationError } from '@marcbachmann/cel-js';

/** A CEL runtime error raised by an extension function: evaluation stops with this message, as cel-go's `types.NewErr` does. */
export function celError(message: string): EvaluationError {
  return new EvaluationError(message);
}
