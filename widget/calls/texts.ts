/** The call panel's texts (widget and admin), in the widget's two languages. */
const en = {
  consent: "Your camera and microphone are used only for this live call with the shop; nothing is recorded.",
  consentAudio: "Your microphone is used only for this live call with the shop; nothing is recorded.",
  withVideo: "Turn on camera",
  audioOnly: "Audio only",
  call: "Call",
  cancel: "Cancel",
  calling: "Calling…",
  incoming: "The shop is calling you",
  accept: "Accept",
  decline: "Decline",
  connecting: "Connecting…",
  connected: "Connected",
  mute: "Mute",
  unmute: "Unmute",
  cameraOff: "Camera off",
  cameraOn: "Camera on",
  share: "Share screen",
  stopShare: "Stop sharing",
  hangUp: "Hang up",
  ended: (outcome: string) =>
    (
      ({
        declined: "The call was declined.",
        missed: "Nobody answered. We'll reply in the chat.",
        cancelled: "Call cancelled.",
      }) as Record<string, string>
    )[outcome] ?? "Call ended.",
  denied: "The browser did not allow the camera or microphone. Allow them in the address bar and try again.",
  failed: "The call could not start. Please try again.",
  busy: "Another call is already ringing or under way. Please try again later.",
  remoteScreen: "Shared screen",
};

const ru: typeof en = {
  consent: "Камера и микрофон используются только для этого звонка с магазином; ничего не записывается.",
  consentAudio: "Микрофон используется только для этого звонка с магазином; ничего не записывается.",
  withVideo: "Включить камеру",
  audioOnly: "Только звук",
  call: "Позвонить",
  cancel: "Отмена",
  calling: "Звоним…",
  incoming: "Магазин звонит вам",
  accept: "Принять",
  decline: "Отклонить",
  connecting: "Соединяем…",
  connected: "Соединено",
  mute: "Выключить микрофон",
  unmute: "Включить микрофон",
  cameraOff: "Выключить камеру",
  cameraOn: "Включить камеру",
  share: "Показать экран",
  stopShare: "Остановить показ",
  hangUp: "Завершить",
  ended: (outcome) =>
    (
      ({
        declined: "Звонок отклонён.",
        missed: "Никто не ответил. Мы ответим в чате.",
        cancelled: "Звонок отменён.",
      }) as Record<string, string>
    )[outcome] ?? "Звонок завершён.",
  denied: "Браузер не дал доступ к камере или микрофону. Разрешите его в адресной строке и попробуйте снова.",
  failed: "Звонок не начался. Попробуйте ещё раз.",
  busy: "Уже идёт другой звонок. Попробуйте позже.",
  remoteScreen: "Показанный экран",
};

export type CallTexts = typeof en;

/** The texts in `locale` ("en" when unknown). */
export function callTexts(locale: string): CallTexts {
  return locale.startsWith("ru") ? ru : en;
}
