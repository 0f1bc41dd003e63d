// The one name under which the docs and examples refer to this action: every
// `uses:` a user copies says `${ACTION}@v1` (test/repo/action-name.test.ts).
export const ACTION = 'acme-oss/multiarch-build-action';
export const ACTION_V1 = `${ACTION}@v1`;
/** Where .github/workflows/multiarch.yml checks out the action of its own commit. */
export const SELF_PATH = '.multiarch-build-action';
export const SELF_USES = `./${SELF_PATH}`;
