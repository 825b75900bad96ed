export interface GraphQLResponse<Data = any> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, unknown>;
}

/** POSTs one GraphQL operation and returns the HTTP status with the parsed body. */
export async function graphqlRequest<Data = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { status: response.status, ...body };
}

/** Like `graphqlRequest`, but fails the test with the errors when the response carries any. */
export async function graphqlData<Data = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Data> {
  const response = await graphqlRequest<Data>(url, query, variables, headers);
  if (response.errors?.length || response.data == null) {
    throw new Error(`GraphQL request failed (${response.status}): ${JSON.stringify(response.errors ?? response)}`);
  }
  return response.data;
}
