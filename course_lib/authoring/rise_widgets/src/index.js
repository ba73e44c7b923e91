// The ipywidgets 8 widget manager (@jupyter-widgets/jupyterlab-manager) consumes
// @jupyterlab/console from the page's shared module scope, with no fallback of its own.
// JupyterLab shares it; the slideshow app of jupyterlab-rise 0.43 does not, so there the
// manager fails to load ("Shared module @jupyterlab/console doesn't exist in shared scope
// default") and every widget shows as its text repr.
//
// This extension bundles @jupyterlab/console 4.3.4 (the JupyterLab version RISE 0.43.1 is
// built with) and offers it to the shared scope (package.json, jupyterlab.sharedPackages).
// Webpack gives a singleton to the highest version offered, so JupyterLab itself (4.3.4 or
// newer) keeps its own copy and this one is used only where nothing else provides it: RISE.
import { IConsoleTracker } from '@jupyterlab/console';

const plugin = {
  id: 'course-rise-widgets:plugin',
  description: 'Provides @jupyterlab/console to the RISE slideshow so that ipywidgets render there.',
  autoStart: true,
  optional: [IConsoleTracker],
  activate: () => {}
};

export default plugin;
