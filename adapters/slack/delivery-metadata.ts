/**
 * Every message Tradewire posts carries its delivery id in Slack message metadata, so `findPosted`
 * can recognise it in the channel's history after a crash between posting and recording.
 */
export const DELIVERY_EVENT = 'tradewire_delivery';

export interface DeliveryMark {
  deliveryId: string;
  /** Which of a split post's messages this is (0-based), and how many there are. */
  part: number;
  parts: number;
}

export function deliveryMetadata(mark: DeliveryMark): {
  event_type: string;
  event_payload: { delivery_id: string; part: number; parts: number };
} {
  return {
    event_type: DELIVERY_EVENT,
    event_payload: { delivery_id: mark.deliveryId, part: mark.part, parts: mark.parts },
  };
}

/** The mark on a message from `conversations.history` / `conversations.replies`, if it is one of ours. */
export function readMark(message: {
  metadata?: { event_type?: string; event_payload?: unknown };
}): DeliveryMark | null {
  const m = message.metadata;
  if (m?.event_type !== DELIVERY_EVENT || !m.event_payload || typeof m.event_payload !== 'object')
    return null;
  const p = m.event_payload as Record<string, unknown>;
  if (typeof p.delivery_id !== 'string') return null;
  const part = typeof p.part === 'number' ? p.part : 0;
  const parts = typeof p.parts === 'number' && p.parts > 0 ? p.parts : 1;
  return { deliveryId: p.delivery_id, part, parts };
}
