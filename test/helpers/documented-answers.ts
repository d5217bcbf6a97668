import type { FastifyInstance } from 'fastify';

interface OpenApiOperation {
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } }
      >;
    }
  >;
}

/** Each documented operation (`GET /api/v1/openings/:openingId/status`, Fastify's spelling) and its answers. */
function documentedAnswers(doc: { paths: Record<string, Record<string, OpenApiOperation>> }) {
  const operations = new Map<string, Map<number, Set<string> | undefined>>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(methods)) {
      const answers = new Map<number, Set<string> | undefined>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const codes =
          response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum;
        answers.set(Number(status), codes && new Set(codes));
      }
      operations.set(`${method.toUpperCase()} ${url}`, answers);
    }
  }
  return operations;
}

/**
 * Holds the app to its OpenAPI document: every answer of a documented operation must have a
 * documented status and, for an error, one of the codes documented for that status. The answers'
 * bodies are held to their schemas by the serializer already (it validates as it encodes).
 * What does not fit is collected and makes `app.close()` fail, naming each request.
 */
export function holdToDocument(app: FastifyInstance): void {
  const misfits: string[] = [];
  let operations: ReturnType<typeof documentedAnswers> | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    // HEAD is refused before any route on most of the API (src/server/http/head.ts): no operation's
    // answer. Where it is answered, its GET route answers it.
    if (request.method === 'HEAD' && reply.statusCode === 405) return payload;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    operations ??= documentedAnswers(app.swagger() as never);
    const answers = url === undefined ? undefined : operations.get(`${method} ${url}`);
    // No route (the JSON 404), or a route outside the API's document (its page, the console's files).
    if (!answers) return payload;
    const status = reply.statusCode;
    const where = `${request.method} ${request.url} → ${status}`;
    if (!answers.has(status)) {
      misfits.push(`${where}: the document lists no ${status} for ${method} ${url}`);
    } else if (status >= 400 && typeof payload === 'string') {
      const code = (JSON.parse(payload) as { error?: { code?: string } }).error?.code ?? '(none)';
      if (!answers.get(status)?.has(code))
        misfits.push(`${where}: ${code} is not a documented code of ${status}`);
    }
    return payload;
  });
  app.addHook('onClose', async () => {
    if (misfits.length > 0) {
      throw new Error(`Answers the OpenAPI document does not describe:\n${misfits.join('\n')}`);
    }
  });
}
