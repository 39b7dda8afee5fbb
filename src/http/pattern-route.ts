// Matching a request path against a table of anchored patterns, shared by the registry's and the
// engine's HTTP faces (names there contain slashes, so regular expressions with named groups fit
// better than a segment router).

export interface PatternRoute {
  methods: readonly string[];
  pattern: RegExp;
}

export interface RouteMatch<R extends PatternRoute> {
  route: R;
  /** Named groups of the matched pattern. */
  params: Record<string, string>;
}

/**
 * The first route whose pattern matches `path` and that takes `method`; `"method"` when the path
 * is known but not for this method (405), undefined when no pattern matches (404). With
 * `headAsGet`, a HEAD goes to the GET handler of a route that does not list HEAD itself.
 */
export function matchPatternRoute<R extends PatternRoute>(
  routes: readonly R[],
  method: string,
  path: string,
  o: { headAsGet?: boolean } = {},
): RouteMatch<R> | "method" | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    const wanted = o.headAsGet && method === "HEAD" && !route.methods.includes("HEAD") ? "GET" : method;
    if (!route.methods.includes(wanted)) continue;
    return { route, params: { ...match.groups } };
  }
  return pathMatched ? "method" : undefined;
}
