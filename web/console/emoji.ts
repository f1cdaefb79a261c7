/** The emoji an agent reaches for in support replies, each with its English and Chinese names
 * (the first one shown, all of them searched).
 *
 * Built in rather than an npm picker: emoji-mart and its kin ship the whole Unicode set (hundreds of KB of data
 * fetched or bundled) with Chinese names only as a further download, and render their own shadow-DOM widget that
 * axe and our tokens do not reach. Support replies use a few dozen friendly symbols; a compact grid of those, named
 * in both languages, keeps the console light and fully keyboard- and screen-reader-usable. */

export interface Emoji {
  char: string;
  en: string;
  zh: string;
}

const LIST: [string, string, string][] = [
  ["😀", "grinning face", "笑脸"],
  ["😊", "smiling face", "微笑"],
  ["🙂", "slightly smiling", "浅笑"],
  ["😄", "big smile", "开心"],
  ["😉", "wink", "眨眼"],
  ["😍", "heart eyes", "喜爱"],
  ["🥰", "smiling with hearts", "爱心笑脸"],
  ["😎", "sunglasses, cool", "墨镜, 酷"],
  ["🤗", "hug", "拥抱"],
  ["🤔", "thinking", "思考"],
  ["😅", "sweat smile", "尴尬笑"],
  ["😂", "tears of joy", "笑哭"],
  ["😇", "halo, angel", "天使"],
  ["😌", "relieved", "放心"],
  ["😢", "crying, sad", "哭, 难过"],
  ["😭", "sobbing", "大哭"],
  ["😟", "worried", "担心"],
  ["😮", "surprised, wow", "惊讶"],
  ["😴", "sleeping", "睡觉"],
  ["🙏", "folded hands, thank you, please", "双手合十, 谢谢, 拜托"],
  ["👍", "thumbs up, ok", "赞, 好的"],
  ["👎", "thumbs down", "踩"],
  ["👌", "ok hand", "好的, 没问题"],
  ["👏", "clapping", "鼓掌"],
  ["🙌", "raised hands, celebrate", "欢呼"],
  ["👋", "waving hand, hello, goodbye", "挥手, 你好, 再见"],
  ["🤝", "handshake, deal", "握手"],
  ["💪", "flexed biceps, strong", "加油"],
  ["✌️", "victory, peace", "胜利"],
  ["👉", "pointing right", "右指"],
  ["👀", "eyes, look", "眼睛, 看"],
  ["❤️", "red heart, love", "红心, 爱"],
  ["💙", "blue heart", "蓝心"],
  ["💯", "hundred points, perfect", "一百分, 完美"],
  ["✨", "sparkles", "闪亮"],
  ["🎉", "party popper, congratulations", "庆祝, 恭喜"],
  ["🎁", "gift, present", "礼物"],
  ["🎂", "birthday cake", "生日蛋糕"],
  ["🌟", "star", "星星"],
  ["🔥", "fire, hot", "火, 热门"],
  ["☀️", "sun", "太阳"],
  ["🌧️", "rain", "下雨"],
  ["🌸", "blossom, flower", "花"],
  ["☕", "coffee", "咖啡"],
  ["🍵", "tea", "茶"],
  ["✅", "check mark, done", "完成, 对"],
  ["☑️", "checkbox", "勾选"],
  ["❌", "cross mark, wrong", "错误, 叉"],
  ["⚠️", "warning", "警告, 注意"],
  ["❗", "exclamation mark, important", "感叹号, 重要"],
  ["❓", "question mark", "问号, 问题, 疑问"],
  ["ℹ️", "information", "信息, 说明"],
  ["🔔", "bell, reminder", "铃铛, 提醒"],
  ["⏰", "alarm clock", "闹钟"],
  ["⏳", "hourglass, waiting", "沙漏, 等待"],
  ["📅", "calendar, date", "日历, 日期"],
  ["📦", "package, parcel", "包裹, 快递"],
  ["🚚", "delivery truck, shipping", "货车, 配送, 物流"],
  ["✈️", "airplane, flight", "飞机, 航班"],
  ["🏠", "house, home", "房子, 家"],
  ["🏪", "shop, store", "商店, 门店"],
  ["🛒", "shopping cart", "购物车"],
  ["💳", "credit card, payment", "信用卡, 支付"],
  ["💰", "money bag, refund", "钱袋, 退款"],
  ["🧾", "receipt, invoice", "收据, 发票"],
  ["📧", "e-mail", "电子邮件, 邮件"],
  ["📞", "telephone, call", "电话"],
  ["📱", "mobile phone", "手机"],
  ["💬", "speech balloon, chat", "对话框, 聊天, 消息"],
  ["📝", "memo, note", "备注, 笔记"],
  ["📎", "paperclip, attachment", "回形针, 附件"],
  ["🔗", "link", "链接"],
  ["🔒", "lock, secure", "锁, 安全"],
  ["🔑", "key, password", "钥匙, 密码"],
  ["🔧", "wrench, fix", "扳手, 修理"],
  ["⚙️", "gear, settings", "齿轮, 设置"],
  ["💡", "light bulb, idea, tip", "灯泡, 想法, 提示"],
  ["🚀", "rocket, fast", "火箭, 快速"],
  ["🐞", "bug", "虫子, 故障"],
  ["🆗", "OK button", "好"],
];

export const EMOJI: readonly Emoji[] = LIST.map(([char, en, zh]) => ({ char, en, zh }));

/** The emoji's name in the page's language: the first of its names (the rest are words to find it by). */
export function emojiName(e: Emoji, lang: string): string {
  return (lang.startsWith("zh") ? e.zh : e.en).split(", ")[0] ?? e.en;
}

/** Emoji with every word of the query in their English or Chinese names (Chinese matched without spaces). */
export function findEmoji(query: string): Emoji[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...EMOJI];
  return EMOJI.filter((e) => words.every((w) => e.en.toLowerCase().includes(w) || e.zh.includes(w)));
}
