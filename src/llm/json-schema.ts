import { z } from 'zod';

/**
 * Builds the `response_format` for a zod schema. Uses the schema's *input* side, so schemas that
 * clean up with `.transform()` (which `zodResponseFormat` rejects) still work; the transform runs
 * when we validate the reply ourselves.
 */
export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict: true; schema: Record<string, unknown> };
}

export function jsonSchemaResponseFormat(schema: z.ZodType, name: string): JsonSchemaResponseFormat {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return {
    type: 'json_schema',
    json_schema: {
      name: name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
      strict: true,
      schema: strictify(json),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAI strict mode: every object closed (`additionalProperties: false`) with all properties required. */
function strictify(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...node };
  const props = out.properties;
  if (isRecord(props)) {
    const next: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(props)) next[key] = isRecord(child) ? strictify(child) : child;
    out.properties = next;
    out.required = Object.keys(next);
    out.additionalProperties = false;
  }
  for (const key of ['items', 'additionalItems'] as const) {
    const child = out[key];
    if (isRecord(child)) out[key] = strictify(child);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const children = out[key];
    if (Array.isArray(children)) out[key] = children.map((c: unknown) => (isRecord(c) ? strictify(c) : c));
  }
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = out[key];
    if (isRecord(defs)) {
      out[key] = Object.fromEntries(
        Object.entries(defs).map(([k, c]) => [k, isRecord(c) ? strictify(c) : c] as const),
      );
    }
  }
  return out;
}
