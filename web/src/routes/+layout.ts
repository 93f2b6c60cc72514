// A single-page app: no server rendering (the API process serves index.html for every route).
export const ssr = false;
export const prerender = false;
