// Changing the view = changing the URL: a new history entry, so back/forward step through views.
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { linkTo, parseState, type ViewState } from './url-state.ts';

export function updateView(patch: Partial<ViewState>, path = page.url.pathname): void {
  void goto(linkTo(path, parseState(page.url.searchParams), patch), { keepFocus: true, noScroll: true });
}
