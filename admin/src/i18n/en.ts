/** English texts of the admin app. Russian (./ru.ts) has the same keys; TypeScript checks it. */
export const en = {
  app: {
    title: "Inbox", loading: "Loading…", nav: "Main", inbox: "Inbox", settings: "Settings", sound: "Sound for new conversations",
    language: "Language", logout: "Log out", conversations: "Conversations", openConversations: "Open conversations",
    pick: "Pick a conversation on the left. Alt+↑/↓ moves between conversations.", closeTab: "Close this conversation",
  },
  auth: {
    loginTitle: "Sign in to Edgechat", site: "Site key", email: "Email", password: "Password", forgot: "Forgot your password?",
    login: "Sign in", forgotTitle: "Reset your password", back: "Back to sign in", sendLink: "Email me a link",
    linkSent: "If this email belongs to an operator of the site, a link to set a new password is on its way.",
    resetTitle: "Set a new password", newPassword: "New password (10 characters or more)", confirmPassword: "New password again",
    setPassword: "Set password", mismatch: "The two passwords differ", passwordChanged: "Password changed. Sign in with the new one.",
    acceptTitle: "Join {site}", acceptAs: "You were invited as {email} ({role}).", yourName: "Your name (visitors see it)", join: "Join the team",
  },
  roles: { owner: "Owner", admin: "Admin", operator: "Operator" },
  inbox: {
    views: { label: "Views", open: "Open", mine: "Mine", unassigned: "Unassigned", resolved: "Resolved", all: "All" },
    search: "Search text, name or email", empty: "Nothing here right now.", noMatches: "No conversation matches.",
    live: "Live · {n} operator online|Live · {n} operators online", connecting: "Connecting…", visitor: "Visitor", visitorN: "Visitor #{id}",
    team: "Team", unassigned: "Unassigned", resolved: "Resolved", open: "Open", waiting: "waiting {time}",
    unread: "{n} unread message|{n} unread messages",
  },
  time: { seconds: "{n} s", minutes: "{n} min", hours: "{n} h", days: "{n} d" },
  notify: { newConversation: "New conversation: {who}" },
  conversation: {
    back: "Back to the inbox", resolve: "Resolve", reopen: "Reopen", assign: "Assigned to", unassigned: "Unassigned",
    operators: "Operators", departments: "Departments (next free operator)", thread: "Messages", sending: "Sending…", seen: "Seen",
    connecting: "Connecting…", visitorTyping: "The visitor is typing…", operatorTyping: "{name} is typing…",
    noteBy: "Internal note · {name}", bot: "Bot", system: "System", email: "by email",
  },
  composer: {
    mode: "Reply or note", reply: "Reply", note: "Internal note", placeholder: "Reply… (Enter sends, / for saved answers)",
    notePlaceholder: "Note for the team; the visitor never sees it", send: "Send", addNote: "Add note", canned: "Saved answers",
    keys: "Enter sends · Shift+Enter new line · / saved answers · Alt+N note",
  },
  card: {
    title: "Visitor", close: "Close the visitor card", loading: "Loading the visitor…", unavailable: "The visitor card is not available.",
    verified: "verified", verifiedHint: "The shop confirmed who this is (identity hash)", email: "Email", phone: "Phone", place: "Location",
    deviceLabel: "Device", device: { desktop: "Desktop", mobile: "Phone", tablet: "Tablet" }, language: "Language",
    localTime: "Local time", landing: "Landing page", referrer: "Came from", pages: "Pages seen", previous: "Previous conversations",
  },
  settings: {
    save: "Save", saved: "Saved", cancel: "Cancel", edit: "Edit", delete: "Delete",
    look: {
      title: "Widget look and texts", siteName: "Site name", timezone: "Time zone", timezoneHint: "An IANA name, e.g. Europe/Berlin",
      language: "Widget language", color: "Accent color", position: "Position", right: "Bottom right", left: "Bottom left",
      launcherText: "Launcher text", teamName: "Team name", greeting: "Greeting", avatarUrl: "Avatar image URL",
    },
    origins: {
      title: "Allowed origins", intro: "The widget only starts on pages from these addresses.", label: "Origins, one per line",
      hint: "scheme://host[:port] without a path, e.g. https://shop.example or http://localhost:*", line: "Line {n}:",
    },
    team: {
      title: "Operators and roles", name: "Operator", role: "Role", capacity: "Capacity", online: "online", remove: "Remove",
      roleOf: "Role of {name}", capacityOf: "Open conversations {name} can take", confirmRemove: "Remove {name} from the team?",
      invite: "Invite an operator", nameOptional: "Name (optional)", send: "Send invite", sent: "Invite sent to {email}",
      pending: "Pending invites", revoke: "Withdraw", expires: "until {when}",
    },
    departments: {
      title: "Departments and routing", routing: "Routing", auto: "Assign new conversations automatically (round-robin)",
      autoHint: "Among online operators of the department, skipping those at their capacity; the rest wait unassigned.",
      default: "New conversations go to", everyone: "The whole team", add: "Add a department", name: "Name", members: "Operators",
      nobody: "no operators", confirmDelete: "Delete the department {name}?",
    },
    canned: {
      title: "Canned responses", intro: "Type / and the shortcut in a reply to insert one.", add: "Add a response",
      shortcut: "Shortcut", shortcutHint: "Letters, digits, _ and -", titleLabel: "Title", text: "Text", confirmDelete: "Delete /{shortcut}?",
    },
    identity: {
      title: "Identity secret", intro: "Your shop signs the logged-in customer's id with this secret, so the chat knows it is really them.",
      hidden: "The current secret is never shown again. Rotate it to get a new one; the old one stops working at once.",
      rotate: "Rotate the secret", confirm: "Make a new secret? Identities signed with the old one stop working.",
      newSecret: "Your new secret:", onlyOnce: "Copy it now: it will not be shown again.", copy: "Copy", copied: "Copied",
    },
    audit: {
      title: "Audit log", when: "When", who: "Who", what: "What", empty: "No changes yet.", more: "Older changes",
      actions: {
        settings: { update: "Settings changed" }, secret: { rotate: "Secret rotated" },
        autoreply: { update: "Auto-replies changed" }, email: { update: "Email settings changed" },
        contact: { erase: "Contact erased" }, retention: { update: "Retention changed", sweep: "Old conversations deleted" },
        invite: { create: "Invite sent", revoke: "Invite withdrawn" },
        operator: { join: "Operator joined", update: "Operator changed", remove: "Operator removed" },
        department: { create: "Department added", update: "Department changed", delete: "Department deleted" },
        canned: { create: "Canned response added", update: "Canned response changed", delete: "Canned response deleted" },
        routing: { update: "Routing changed" },
      },
    },
    account: {
      title: "My sessions", device: "Device", lastSeen: "Last active", current: "this browser", end: "End session",
      unknownDevice: "Unknown device",
    },
  },
  errors: { network: "No connection to the server. Check your network and try again.", unexpected: "Something went wrong. Try again." },
  /** Server messages by their English text; English shows them as they are. */
  server: {} as Record<string, string>,
};

type Deep<T> = { [K in keyof T]: T[K] extends string ? string : string extends keyof T[K] ? Record<string, string> : Deep<T[K]> };
export type Dict = Deep<typeof en>;
