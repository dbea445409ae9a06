/**
 * Extra sections of the visitor card that other features add: the bot's lead card, the
 * WooCommerce cart and orders. A feature pushes a renderer; the card draws each one that
 * returns something, after its own sections.
 *
 *   CARD_SECTIONS.push((card) => card.lead ? html`<section>…</section>` : null);
 */
import type { TemplateResult } from "lit";
import type { VisitorCard } from "../../../worker/protocol";
import { wooCardSection } from "./woo-section";

export type CardSection = (card: VisitorCard & Record<string, unknown>) => TemplateResult | null;

/** WooCommerce's cart and orders come first; the erase action (./erase-contact.ts) pushes itself last. */
export const CARD_SECTIONS: CardSection[] = [wooCardSection];
