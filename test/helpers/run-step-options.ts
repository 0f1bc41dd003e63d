// Build options with none of build-push-action's RUN-step inputs set: what
// action.yml's defaults parse to, and the base the build tests spread their
// own values over.
import type { RunStepOptions } from '../../src/buildx/build.js';

export const NO_RUN_STEP_OPTIONS: RunStepOptions = {
  addHosts: [],
  shmSize: '',
  ulimits: [],
  cgroupParent: '',
  allow: [],
  ssh: [],
  noCacheFilters: [],
};
