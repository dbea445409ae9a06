/**
 * Extra sections of the visitor card that other features add: the bot's lead card, the
 * WooCommerce cart and orders. A feature pushes a renderer; the card draws each one that
 * returns something, after its own sections.
 *
 *   CARD_SECTIONS.push((card) => card.lead ? html`<section>…</section>` : null);
 */
import type { TemplateResult } from "lit";
import type { VisitorCard } from "../../../worker/protocol";

export type CardSection = (card: VisitorCard & Record<string, unknown>) => TemplateResult | null;

export const CARD_SECTIONS: CardSection[] = [];
