// The payload as a zod schema, for the frameworks that validate with zod (OpenAI Agents JS, Mastra).
import { z } from 'zod';

export const WorkZod = z
  .object({ ticketId: z.string(), notes: z.array(z.string()), step: z.number().int().min(0) })
  .strict();
