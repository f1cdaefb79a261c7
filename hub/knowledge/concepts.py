"""The service thesaurus' concepts: the everyday words and phrases customers use for each thing online retail
support answers, in English and Chinese (how they are matched: synonyms.py)."""

from __future__ import annotations

# One concept a line: members separated by "|". Multi-word English entries are phrases.
GROUPS = (
    "refund|reimburse|money back|cash back|paid back|repay|退款|退钱|钱退|返还|退回来|回款|到账|回到卡",
    "ship|dispatch|sent out|send out|left the warehouse|leave the warehouse|发货|寄出|发出|出库|发走|没动静|出货",
    "parcel|package|box|shipment|包裹|快递|箱子",
    "damaged|broken|shattered|smashed|crushed|cracked|in pieces|dented|chipped|scratched|torn|ripped|leaking|"
    "ruined|破损|损坏|碎|裂|摔坏|压坏|坏了",
    "return|send back|send it back|send them back|bring back|take back|hand back|give back|post back|mail back|"
    "ship back|退货|退回|寄回|退回去",
    "exchange|swap|replace|replacement|换货|调换|换大|换小",
    "password|passcode|passphrase|passwd|credentials|secret|secret word|login code|pwd|密码|口令",
    "login|log in|sign in|signin|log on|logon|sign on|登录|登陆|登入",
    "locked|frozen|blocked|suspended|kicked out|shut out|locked out|lock out|lock|"
    "锁定|冻结|封号|登不上|登不进去|进不去",
    "delete|erase|wipe|remove|purge|close my account|close account|deactivate|right to be forgotten|forget me|"
    "注销|删除|删掉|销户|销号|抹掉|清除|清空",
    "personal data|data|info|information|personal information|personal details|个人信息|个人资料|资料|数据",
    "cancel|call off|undo|changed my mind|don't want|do not want|back out|pull out|no longer need|abort|"
    "取消|撤销|撤回|撤单|不要了",
    "track|tracking|where is my|where's my|follow|trace|locate|in transit|on its way|consignment|waybill|"
    "物流|运单|到哪|走到哪",
    "charged|billed|debited|took my money|taken my money|扣款|扣钱|扣了|多扣",
    "twice|two times|double|duplicate|两次|两笔|两遍|两回|重复",
    "fee|cost|costs|extra|postage|运费|邮费|收钱|另收|另外收|额外收|加钱",
    "free delivery|free shipping|free postage|包邮|免运费|免邮|不收运费",
    "address|destination|new place|moved|flat|apartment|relocated|relocate|relocating|moving house|postcode|"
    "zipcode|地址|收货地址|搬家",
    "phone|mobile|cell|手机号|手机号码|电话号码",
    "coupon|voucher|promo code|discount code|优惠券|优惠卷|券|折扣码|红包",
    "crash|crashes|freezes|froze|quits|closes by itself|shuts down|keeps closing|vanishes|force close|"
    "闪退|崩溃|卡死|黑屏|自己退出|退回桌面|回到桌面|回到主屏幕|自己关了|打不开",
    "membership|member|tier|level|rank|perks|benefits|会员|等级|权益|特权|一级|一档|最高档|档次",
    "opening hours|what time|support hours|online|"
    "几点|上班|下班|工作时间|在线|半夜|深夜|夜里|凌晨|周末|节假日|放假|假期",
    "invoice|receipt|billing document|tax number|vat|expenses|expense claim|发票|开票|报销|收据|税号",
    "payment|pay|checkout|paying|transaction|transactions|settle|settle up|pay up|支付|付款|付钱",
    "failed|declined|rejected|refused|refuses|refusing|unsuccessful|did not succeed|didnt succeed|bounce|bounced|"
    "bouncing|not accepted|"
    "won't go through|doesn't go through|not going through|失败|不成功|没成功|刷不过|付不了|付不出去",
    "gift card|giftcard|gift voucher|gift certificate|voucher card|present card|present voucher|礼品卡|购物卡|卡密",
    "balance|left on|remaining|余额|剩多少",
    "price drop|cheaper|on sale|for less|price went down|price cut|marked down|price difference|"
    "go down|goes down|gets cheaper|got cheaper|降价|便宜|差价|买贵|价保|降了",
    "missing|only got|only received|only came|only arrived|incomplete|never made it|not in the box|left out|"
    "少件|漏发|少了|只收到|没收到|只来了|只到了",
    "international|overseas|abroad|another country|other countries|worldwide|outside china|customs|"
    "import duties|duties|海外|国外|境外|港澳台|清关|关税|"
    # Places abroad by name ("can you send to Kuala Lumpur"); not the ones whose adjective or a common word is
    # one edit away ("Japanese" chat, "us", "euros"), which met this concept from unrelated questions.
    "malaysia|kuala lumpur|singapore|hong kong|macau|taiwan|australia|canada|"
    "马来西亚|吉隆坡|新加坡|香港|澳门|台湾|日本|韩国|澳洲|澳大利亚|加拿大|美国|英国|欧洲",
    "points|pts|reward points|loyalty points|bonus points|rack up|accumulate|积分|攒的分|攒分|抵现|抵钱",
    "warranty|guarantee|repair|stopped working|not working|no longer works|won't turn on|faulty|died|"
    "保修|维修|免费修|能修|修好|修一下|质保|开不了机|管修|没声",
    "unsubscribe|opt out|spam|spamming|promo|promotions|promotional|marketing|newsletter|退订|营销|促销|推送|广告",
    "customer service|agent|agents|support|real person|human|representative|live chat|reply|respond|"
    "客服|人工|回消息|有人回|有人理",
    "notifications|notification|alerts|alert|pop up|pop-up|turn off|switch off|disable|mute|"
    "通知|提醒|消息推送|弹窗|老弹",
    "expire|expires|expired|expiry|run out|runs out|valid until|过期|到期|失效|有效期",
    # Everyday support vocabulary (issue #21's English paraphrases): forgetting, changing, the card, mail,
    # an order being prepared or pre-ordered.
    "forgot|forget|forgotten|cant remember|can not remember|cannot remember|dont remember|do not remember|"
    "no longer remember",
    "change|switch|modify|edit|amend|alter",
    "card|credit card|debit card|bank card|mastercard|visa|amex",
    "email|mail|e-mail|inbox",
    "processing|preparing|being prepared|packing|being packed",
    "presale|presales|pre-sale|pre sale|preorder|pre-order|pre order",
)
