/**
 * Turns zod's issues into the per-field messages a form shows inline. The
 * wording is ours, built from the schema's limits and never from the
 * input, so a refused App Secret is not echoed back in an error.
 */
import { type z } from 'zod';

type Issue = z.core.$ZodIssue;

const UNITS: Record<string, string> = {
  string: ' characters',
  array: ' items',
};

/** One message per top-level field; the first issue of a field wins. */
export function fieldErrorsFromIssues(
  issues: readonly Issue[],
): Record<string, string> {
  const fieldErrors: Record<string, string> = {};

  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && !Object.hasOwn(fieldErrors, field)) {
      fieldErrors[field] = messageFor(issue);
    }
  }

  return fieldErrors;
}

function messageFor(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Expected ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}.`;
    case 'too_big':
      return `At most ${String(issue.maximum)}${UNITS[issue.origin] ?? ''}.`;
    case 'too_small':
      return `At least ${String(issue.minimum)}${UNITS[issue.origin] ?? ''}.`;
    case 'invalid_value':
      return `Must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'invalid_format':
      return 'Not in the expected format.';
    default:
      return 'Not a valid value.';
  }
}
