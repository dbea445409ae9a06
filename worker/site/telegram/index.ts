/** The site's Telegram bot: connecting it, linking operators, notifying them, and its webhook's updates. */
export { botSettings, connectBot, disconnectBot } from "./bot";
export { linkOfOperator, newLinkCode, unlink } from "./links";
export { handleUpdate } from "./updates";
export { newGroupCode, teamGroup, unlinkGroup } from "./group";
