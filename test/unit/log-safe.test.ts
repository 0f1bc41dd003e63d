import { describe, expect, test } from 'vitest';
import { forLog, forMarkdown } from '../../src/log-safe.js';

describe('text from outside, made safe to print', () => {
  test.each([
    [1, 'plain text', 'plain text'],
    [2, 'denied\n::add-mask::x', 'denied\\n::add-mask::x'],
    [3, '::stop-commands::tok', '\\::stop-commands::tok'],
    [4, 'a\r\n::error::b', 'a\\r\\n::error::b'],
    [5, 'bell\u0007 esc\u001b[31m', 'bell\\u0007 esc\\u001b[31m'],
    [6, 'nel\u0085 ls\u2028 ps\u2029', 'nel\\u0085 ls\\u2028 ps\\u2029'],
    [7, 'tab\there', 'tab\\there'],
  ])('%i: forLog(%j)', (_n, input, expected) => {
    const out = forLog(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[\n\r]/);
  });

  test.each([
    [1, 'linux/arm64', 'linux/arm64'],
    [2, 'a|b', 'a&#124;b'],
    [3, '<img src=x onerror=alert(1)>', '&#60;img src=x onerror=alert&#40;1&#41;&#62;'],
    [4, '[link](http://x)', '&#91;link&#93;&#40;http://x&#41;'],
    [5, 'x\n| injected | row |', 'x&#92;n&#124; injected &#124; row &#124;'],
  ])('%i: forMarkdown(%j)', (_n, input, expected) => {
    expect(forMarkdown(input)).toBe(expected);
  });
});
