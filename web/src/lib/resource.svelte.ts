// An async value for a component: loading, ready or error, re-fetched whenever the reactive values
// the fetcher reads change (e.g. the URL state). A late answer for an old state is dropped.
import { ApiFailure } from './api.ts';

export interface Resource<T> {
  readonly status: 'loading' | 'ready' | 'error';
  readonly data: T | undefined;
  readonly error: ApiFailure | undefined;
  retry(): void;
}

export function resource<T>(fetcher: () => Promise<T>): Resource<T> {
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let data = $state<T | undefined>(undefined);
  let error = $state<ApiFailure | undefined>(undefined);
  let attempt = $state(0);
  let latest = 0;

  $effect(() => {
    void attempt;
    const ticket = ++latest;
    status = 'loading';
    fetcher().then(
      (value) => {
        if (ticket !== latest) return;
        data = value;
        error = undefined;
        status = 'ready';
      },
      (failure: unknown) => {
        if (ticket !== latest) return;
        error = failure instanceof ApiFailure ? failure : new ApiFailure('server', String(failure));
        status = 'error';
      },
    );
  });

  return {
    get status() {
      return status;
    },
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    retry() {
      attempt++;
    },
  };
}
