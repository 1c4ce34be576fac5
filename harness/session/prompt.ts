// The prompt the target's .bashrc sets (containers/agent/bashrc-append). It is printed by the
// shell, never echoed from typed text, so seeing it means bash is reading the next line; typing
// before that can lose the line (measured: type-ahead was sometimes dropped).
export const SHELL_PROMPT = /\[hl-ready\][$#] /;
