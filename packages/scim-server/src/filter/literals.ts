import { badRequest } from '../http/errors.js';

/** A filter with its string literals replaced by numbered placeholders (`"0"`, `"1"`, ...). */
export interface ProtectedFilter {
  text: string;
  literals: string[];
}

/**
 * Takes every JSON string literal out of a filter before `scim2-parse-filter` sees it. The library re-escapes
 * backslashes (so `"a\\b"` and `"\u00e9"` come out wrong) and its own sub-attribute rewrite has to find
 * brackets outside quotes; with the literals out of the way both are simple, and each literal is decoded by
 * `JSON.parse` exactly as RFC 7644 says (its values are JSON strings).
 */
export function protectLiterals(filter: string): ProtectedFilter {
  const literals: string[] = [];
  let text = '';
  let i = 0;
  while (i < filter.length) {
    const char = filter[i];
    if (char !== '"') {
      text += char;
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < filter.length && filter[end] !== '"') end += filter[end] === '\\' ? 2 : 1;
    if (end >= filter.length) throw badRequest('invalidFilter', 'The filter has an unterminated string');
    let value: unknown;
    try {
      value = JSON.parse(filter.slice(i, end + 1));
    } catch (error) {
      throw badRequest('invalidFilter', 'The filter has an invalid string literal', error);
    }
    text += `"${literals.length}"`;
    literals.push(value as string);
    i = end + 1;
  }
  return { text, literals };
}

const SUB_ATTRIBUTE_TAIL =
  /^\]\.([A-Za-z_$][\w$-]*)\s+(?:(pr)(?=[\s)]|$)|(eq|ne|co|sw|ew|gt|ge|lt|le)\s+("\d+"|[^\s()[\]]+))/i;

/**
 * RFC 7644 allows `emails[type eq "work"].value eq "x"`: one email that is a work email AND has that value.
 * `scim2-parse-filter` turns it into `emails[type eq "work"] and emails.value eq "x"`, which also matches a
 * user whose work email is another one. Rewritten to `emails[(type eq "work") and value eq "x"]` first, the
 * meaning is kept. Runs on a protected filter, so no bracket sits inside a literal.
 */
export function foldSubAttributeComparisons(text: string): string {
  let result = text;
  let from = 0;
  for (;;) {
    const close = result.indexOf('].', from);
    if (close < 0) return result;
    const tail = SUB_ATTRIBUTE_TAIL.exec(result.slice(close));
    const open = result.lastIndexOf('[', close);
    if (tail === null || open < 0) {
      from = close + 2;
      continue;
    }
    const [whole, sub, present, operator, value] = tail;
    const comparison = present !== undefined ? `${sub} pr` : `${sub} ${operator} ${value}`;
    const inner = result.slice(open + 1, close);
    const rewritten = `[(${inner}) and ${comparison}]`;
    result = result.slice(0, open) + rewritten + result.slice(close + whole.length);
    from = open + rewritten.length;
  }
}
