/** How the short answer fares on the channels that send it instead of the article: SMS parts and WeChat bytes. */
import { t } from "../shared/i18n";
import type { ChannelLimits } from "./boot";

// GSM 03.38: texts in it fit 160 characters a message (153 when split), any other character makes it 70 (67).
const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

export function smsParts(text: string): number {
  if (!text) return 0;
  const gsm = GSM.test(text);
  const one = gsm ? 160 : 70;
  return text.length <= one ? 1 : Math.ceil(text.length / (gsm ? 153 : 67));
}

export function ShortAnswerHint(props: { text: string; max: number; sms?: ChannelLimits; wechat?: ChannelLimits }) {
  const { text } = props;
  const parts = smsParts(text);
  const bytes = new TextEncoder().encode(text).length;
  const wechatMax = props.wechat?.max_bytes ?? null;
  return (
    <span class="kb-hint kb-channel-hint" id="short-answer-hint" aria-live="polite">
      <span class={text.length > props.max ? "over" : ""}>
        {t("%(n)s / %(max)s characters", { n: text.length, max: props.max })}
      </span>
      {props.sms ? (
        <span class={parts > 1 ? "warn" : ""} data-channel="sms">
          {parts > 1 ? t("SMS: %(n)s text messages", { n: parts }) : t("SMS: one text message")}
        </span>
      ) : null}
      {wechatMax ? (
        <span class={bytes > wechatMax ? "over" : ""} data-channel="wechat">
          {t("WeChat: %(n)s / %(max)s bytes", { n: bytes, max: wechatMax })}
        </span>
      ) : null}
    </span>
  );
}
