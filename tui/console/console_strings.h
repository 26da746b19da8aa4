/* tui/console/console_strings.h -- the operator console's strings: TX(id, English,
 * Korean), ids prefixed A_. Kept apart from the kiosk's table so each screen
 * family owns its text; text_strings.h includes this file at its end so the
 * ids live in the one tx_id enum (the hint bar and '?' overlay take tx ids).
 * No include guard on purpose. printf-style entries keep the same
 * conversions in the same order in both languages. */
TX(A_TITLE, "ticketd console", "티켓 운영 콘솔")
TX(A_USAGE, "usage: kiosk --admin [--rpc URL[,URL...]] [--events URL[,URL...]] [--admin-key-file FILE] [--lang ko|en]\n"
   "       several URLs: one per ticketd node, the one that leads answers",
   "사용법: kiosk --admin [--rpc URL[,URL...]] [--events URL[,URL...]] [--admin-key-file 파일] [--lang ko|en]\n"
   "       URL 여러 개: ticketd 노드마다 하나, 리더인 노드가 응답합니다")
TX(A_KEY_FILE_ERR, "cannot read the admin key file %s: %s", "관리자 키 파일 %s을(를) 읽을 수 없습니다: %s")
TX(A_KEY_EMPTY, "the admin key file %s is empty", "관리자 키 파일 %s이(가) 비어 있습니다")
TX(A_KEY_TOO_LONG, "the admin key in %s is longer than %d bytes",
   "관리자 키 파일 %s의 키가 %d바이트보다 깁니다")

/* key hints */
TX(A_H_SEATS, "seats", "좌석")
TX(A_H_PAUSE, "pause", "정지")
TX(A_H_MAXACT, "max", "최대")
TX(A_H_RATE, "rate", "속도")
TX(A_H_OPENS, "opens at", "판매 시작")
TX(A_H_CONCERT, "concert", "공연")
TX(A_H_DATE, "date", "회차")
TX(A_H_AUDIT, "audit", "로그")
TX(A_H_LANG, "한국어/English", "한국어/English")
TX(A_H_RELEASE, "release hold", "선점 해제")
TX(A_H_REFUND, "refund", "환불")
TX(A_H_OTHER_DATE, "prev/next date", "이전/다음 회차")
TX(A_H_OLDER, "older", "이전 기록")
TX(A_H_NEWEST, "newest", "최신")
TX(A_H_FIELD, "next field", "다음 칸")
TX(A_H_PREV_FIELD, "previous field", "이전 칸")
TX(A_H_SUBMIT, "create", "만들기")
TX(A_H_CANCEL, "cancel", "취소")
TX(A_H_YES, "yes", "예")
TX(A_H_NO, "no", "아니오")
TX(A_H_OK, "apply", "적용")

/* dashboard */
TX(A_D_DATES, "Dates", "공연 회차")
TX(A_D_COL_DATE, "Starts (venue time)", "시작 (공연장 시각)")
TX(A_D_COL_CONCERT, "Concert", "공연")
TX(A_D_COL_SEATS, "sold/held/free", "판매/선점/잔여")
TX(A_D_COL_REVENUE, "Revenue", "매출")
TX(A_D_COL_DOOR, "in/sold", "입장/판매")
TX(A_D_TOTAL, "Total", "합계")
TX(A_D_NO_DATES, "No dates yet: press c for a concert, n for a date.",
   "회차가 없습니다: c 새 공연, n 새 회차.")
TX(A_D_LOADING, "Loading the dashboard...", "대시보드를 불러오는 중...")
TX(A_D_QUEUE, "Queue", "대기열")
TX(A_D_Q_LINE, "waiting %lld%s  active %lld/%lld  admit %lld/min  admitted %lld",
   "대기 %lld%s  입장 %lld/%lld  분당 %lld  누적 입장 %lld")
TX(A_D_Q_WAIT_LT, " (<1 min)", " (1분 미만)")
TX(A_D_Q_WAIT_MIN, " (~%lld min)", " (약 %lld분)")
TX(A_D_Q_WAIT_H, " (~%lld h)", " (약 %lld시간)")
TX(A_D_Q_PAUSED, "PAUSED", "정지됨")
TX(A_D_Q_RUNNING, "running", "진행 중")
TX(A_D_Q_PRE, "PRE-QUEUE", "추첨 대기")
TX(A_D_Q_OPENS, "opens %s, %lld in the draw", "%s 판매 시작, 추첨 대기 %lld명")
TX(A_D_SALES_SPARK, "sales/min", "분당 판매")
TX(A_D_QUEUE_SPARK, "queue", "대기열")
TX(A_D_HEALTH, "Server", "서버")
TX(A_D_H_LINE, "%.1f req/s  errors %lld  last min p50 %.1fms p99 %.1fms  up %s",
   "%.1f 요청/초  오류 %lld  최근 1분 p50 %.1fms p99 %.1fms  가동 %s")
TX(A_D_LAST, "Last action: %s", "마지막 작업: %s")
TX(A_D_SPARK_TAIL, " max %lld, last hour", " 최대 %lld, 최근 1시간")
TX(A_D_SPARK_TAIL_MIN, " max %lld, last %d min", " 최대 %lld, 최근 %d분")

/* prompts and results */
TX(A_P_MAXACT, "Max active tokens (1-1000000):", "최대 동시 입장 수 (1-1000000):")
TX(A_P_RATE, "Admissions per minute (1-1000000):", "분당 입장 수 (1-1000000):")
TX(A_P_NUMBER, "Type a number in range.", "범위 안의 숫자를 입력하세요.")
TX(A_P_CODE, "Type the code on the ticket, TK-XXXX-XXXX.", "티켓의 코드를 입력하세요 (TK-XXXX-XXXX).")
TX(A_P_TEXT, "Type something.", "내용을 입력하세요.")
TX(A_P_OPENS, "Sales open at (HH:MM or 2026-12-24 19:00, venue time; - clears):",
   "판매 시작 시각 (HH:MM 또는 2026-12-24 19:00, 공연장 시각; - 는 해제):")
TX(A_P_OPENS_FORMAT, "Type HH:MM, a date and time, or - to clear.",
   "HH:MM, 날짜와 시각, 또는 해제하려면 - 를 입력하세요.")
TX(A_P_OPENS_PAST, "The opening must be in the future.", "판매 시작은 미래여야 합니다.")
TX(A_P_OPENS_FAR, "The opening must be within a year.", "판매 시작은 1년 이내여야 합니다.")
TX(A_R_OPENS, "Pre-queue: sales open at %s; places are drawn then.",
   "사전 대기: %s에 판매 시작, 그때 순서를 추첨합니다.")
TX(A_R_OPENS_NONE, "No pre-queue: the line is open.", "사전 대기 없음: 대기열이 열려 있습니다.")
TX(A_R_QUEUE, "Queue: %s, max active %lld, admit %lld/min",
   "대기열: %s, 최대 입장 %lld, 분당 %lld")
TX(A_R_CONCERT, "Concert %lld created.", "공연 %lld 생성됨.")
TX(A_R_DATE, "Date %lld created.", "회차 %lld 생성됨.")
TX(A_R_RELEASED, "Hold %lld on seat %s released.", "선점 %lld (좌석 %s) 해제됨.")
TX(A_R_REFUNDED, "Booking %s refunded: %s won back to the wallet.",
   "예매 %s 환불됨: %s원 지갑으로 반환.")
TX(A_R_ERROR, "%s failed: %s (%s)", "%s 실패: %s (%s)")
TX(A_R_OFFLINE, "%s: no answer from the server", "%s: 서버 응답 없음")
TX(A_R_FORBIDDEN, "wrong admin key", "관리자 키가 틀립니다")

/* by id (dashboard) */
TX(A_B_DATE, "Seat map of date id:", "좌석 배치를 볼 회차 번호:")
TX(A_B_HOLD, "Release hold id:", "해제할 선점 번호:")
TX(A_B_BOOKING, "Refund booking id:", "환불할 예매 번호:")
TX(A_B_NO_CODE, "No ticket has that code.", "그 코드의 티켓이 없습니다.")
TX(A_B_CONFIRM, "Refund booking %lld, %s (seat %s of date %lld, %s won)? y/n",
   "예매 %lld, %s (좌석 %s, 회차 %lld, %s원)을(를) 환불할까요? y/n")
TX(A_B_CONFIRM_HOLD, "Release hold %lld (seat %s of date %lld, %s won)? y/n",
   "선점 %lld (좌석 %s, 회차 %lld, %s원)을(를) 해제할까요? y/n")
TX(A_B_NO_HOLD, "No date has hold %lld (released or lapsed already?).", "선점 %lld이(가) 어느 회차에도 없습니다(이미 해제되었거나 만료?).")
TX(A_B_NO_BOOKING, "No date has a paid booking %lld (refunded already?).", "결제된 예매 %lld이(가) 어느 회차에도 없습니다(이미 환불?).")
TX(A_B_CONFIRM_BARE, "Refund booking %lld? (No date's map could be read to say its seat.) y/n",
   "예매 %lld을(를) 환불할까요? (좌석을 확인할 회차 정보를 읽지 못했습니다.) y/n")
TX(A_B_CONFIRM_HOLD_BARE, "Release hold %lld? (No date's map could be read to say its seat.) y/n",
   "선점 %lld을(를) 해제할까요? (좌석을 확인할 회차 정보를 읽지 못했습니다.) y/n")
TX(A_B_LOOKING, "Looking it up...", "찾는 중...")
TX(A_B_RELEASED, "Hold released.", "선점 해제됨.")
TX(A_B_REFUNDED, "Booking %lld refunded: %s won back to the wallet.", "예매 %lld 환불됨: %s원 지갑으로 반환.")
TX(A_H_BYDATE, "seats of date id", "회차 번호로 좌석")
TX(A_H_BYHOLD, "release hold id", "선점 번호로 해제")
TX(A_H_BYBOOKING, "refund booking id", "예매 번호로 환불")
TX(A_B_CODE, "Ticket code (TK-XXXX-XXXX):", "티켓 코드 (TK-XXXX-XXXX):")
TX(A_B_FOUND, "Ticket %s: booking %lld, seat %s, %s.", "티켓 %s: 예매 %lld, 좌석 %s, %s.")
TX(A_B_PAID, "paid", "결제됨")
TX(A_B_WAS_REFUNDED, "refunded", "환불됨")
TX(A_H_BYCODE, "find ticket code", "티켓 코드로 찾기")

/* seat map */
TX(A_S_TITLE, "Seats of date %lld: %s, %s", "회차 %lld 좌석: %s, %s")
TX(A_S_LOADING, "Loading seats...", "좌석을 불러오는 중...")
TX(A_S_FREE, "seat %s: free, %s won", "좌석 %s: 빈 좌석, %s원")
TX(A_S_HELD, "seat %s: held (hold %lld), %s left, %s won",
   "좌석 %s: 선점 중 (선점 %lld), %s 남음, %s원")
TX(A_S_SOLD, "seat %s: sold, booking %s, %s won", "좌석 %s: 판매됨, 예매 %s, %s원")
TX(A_S_HOLDS, "Holds", "선점")
TX(A_S_SOLDS, "Sold", "판매")
TX(A_S_NOT_HELD, "Seat %s is not held.", "좌석 %s은(는) 선점 상태가 아닙니다.")
TX(A_S_NOT_SOLD, "Seat %s is not sold.", "좌석 %s은(는) 판매된 좌석이 아닙니다.")
TX(A_S_ASK_BOOKING, "Booking id of %s (receipt, ticketctl booking.list):",
   "%s의 예매 번호 (영수증, ticketctl booking.list):")
TX(A_S_CONFIRM_RELEASE, "Release hold %lld on seat %s? y/n", "선점 %lld (좌석 %s)을(를) 해제할까요? y/n")
TX(A_S_CONFIRM_REFUND, "Refund booking %s (seat %s, %s won)? y/n",
   "예매 %s (좌석 %s, %s원)을 환불할까요? y/n")
TX(A_S_NO_DATE, "Select a date first.", "먼저 회차를 고르세요.")

/* forms */
TX(A_F_CONCERT, "New concert", "새 공연")
TX(A_F_DATE, "New date", "새 회차")
TX(A_F_TITLE, "Title", "공연명")
TX(A_F_VENUE, "Venue", "장소")
TX(A_F_CONCERT_ID, "Concert id", "공연 번호")
TX(A_F_STARTS, "Starts at", "시작 시각")
TX(A_F_ONSALE, "On sale at", "판매 시작")
TX(A_F_PRICES, "Prices", "가격")
TX(A_F_HELP_STARTS, "%s time, e.g. 2030-03-01 19:00 (or with +09:00 / Z)",
   "%s 시각, 예: 2030-03-01 19:00 (또는 +09:00 / Z 포함)")
TX(A_F_TZ, "Time zone", "시간대")
TX(A_F_HELP_TZ, "IANA name, e.g. Europe/Berlin; empty: the server's (%s)",
   "IANA 이름, 예: Europe/Berlin; 비우면 서버 기본값 (%s)")
TX(A_E_TZ_BAD, "Not a time zone this machine knows (IANA name, e.g. Asia/Seoul).",
   "이 컴퓨터가 모르는 시간대입니다 (IANA 이름, 예: Asia/Seoul).")
TX(A_E_START_NONE, "That local time does not exist there (the clocks go forward).",
   "그 지역에는 없는 시각입니다 (시계가 앞당겨짐).")
TX(A_F_HELP_ONSALE, "empty: on sale now", "비우면 지금부터 판매")
TX(A_F_HELP_PRICES, "seat ranges, e.g. 1-10:150000,11-50:90000", "좌석 범위, 예: 1-10:150000,11-50:90000")
TX(A_F_SENDING, "Sending...", "보내는 중...")
TX(A_E_TITLE_EMPTY, "Title is empty.", "공연명이 비어 있습니다.")
TX(A_E_VENUE_EMPTY, "Venue is empty.", "장소가 비어 있습니다.")
TX(A_E_TEXT_LONG, "Text is over 200 bytes.", "글자가 200바이트를 넘습니다.")
TX(A_E_TEXT_BAD, "Text has control characters.", "글자에 제어 문자가 있습니다.")
TX(A_E_CONCERT_BAD, "Concert id must be a positive number.", "공연 번호는 양의 정수여야 합니다.")
TX(A_E_START_FORMAT, "Start is not a time like 2030-03-01 19:00.", "시작 시각이 2030-03-01 19:00 같은 형식이 아닙니다.")
TX(A_E_START_PAST, "Start must be in the future.", "시작 시각은 미래여야 합니다.")
TX(A_E_ONSALE_FORMAT, "On-sale time is not a time like 2030-02-01 10:00.", "판매 시작이 2030-02-01 10:00 같은 형식이 아닙니다.")
TX(A_E_ONSALE_LATE, "On-sale time must be before the start.", "판매 시작은 공연 시작 전이어야 합니다.")
TX(A_E_PRICE_SYNTAX, "Price range %d: write seats:price, e.g. 1-10:150000.",
   "가격 %d번째 범위: 좌석:가격 형식, 예: 1-10:150000.")
TX(A_E_PRICE_SEAT, "Price range %d: seats must be within 1-50.", "가격 %d번째 범위: 좌석은 1-50 사이여야 합니다.")
TX(A_E_PRICE_VALUE, "Price range %d: price must be 1-10,000,000 won.",
   "가격 %d번째 범위: 가격은 1-10,000,000원이어야 합니다.")
TX(A_E_PRICE_TWICE, "Seat %d has two prices.", "좌석 %d에 가격이 두 개입니다.")
TX(A_E_PRICE_MISSING, "Seat %d has no price.", "좌석 %d에 가격이 없습니다.")

/* audit */
TX(A_A_TITLE, "Audit log (newest first)", "감사 로그 (최신순)")
TX(A_A_COLS, "id     time %-10s method                 result     peer",
   "번호   시각 %-10s 작업                   결과       접속")
TX(A_A_DETAIL, "node %s  peer %s  params %s", "노드 %s  접속 %s  내용 %s")
TX(A_A_EMPTY, "No admin actions yet.", "관리 작업 기록이 없습니다.")
TX(A_A_END, "-- end of the log --", "-- 기록 끝 --")

/* staff keys, the counter and the day's close (issue 17) */
TX(A_TITLE_WHO, "%s: %s (%s)", "%s: %s (%s)")
TX(A_ROLE_ADMIN, "admin", "관리자")
TX(A_ROLE_CASHIER, "cashier", "매표 직원")
TX(A_ROLE_GATE, "gate", "입장 확인")
TX(A_S_WHOAMI, "Checking the key...", "키를 확인하는 중...")
TX(A_S_BAD_KEY, "The server refused the key read from %s (wrong admin key): start again with --admin-key-file FILE.",
   "서버가 %s에서 읽은 키를 거부했습니다(관리자 키가 틀립니다): --admin-key-file FILE로 다시 시작하세요.")
TX(A_S_GATE_KEY, "This is a gate key: the door check-in runs in kiosk --gate. q quits.",
   "입장 확인용 키입니다: 입장 확인은 kiosk --gate 에서 합니다. q 종료.")
TX(A_H_COUNTER, "counter (top-ups)", "매표소 (충전)")
TX(A_H_REPORT, "day report", "일일 정산")
TX(A_H_C_ID, "member id / QR", "회원 번호 / QR")
TX(A_HK_C_ID, "member id: type it or scan the member QR (it encodes the id)",
   "회원 번호: 입력하거나 회원 QR을 스캔 (QR에 번호가 들어 있음)")
TX(A_H_C_NAME, "find by name", "이름으로 찾기")
TX(A_H_C_CODE, "find by ticket code", "티켓 코드로 찾기")
TX(A_H_C_CHARGE, "charge", "충전")
TX(A_HK_C_CHARGE, "charge: the amount, then 1 cash, 2 card, 3 other",
   "충전: 금액, 그 다음 1 현금, 2 카드, 3 기타")
TX(A_H_C_SHIFT, "end of shift", "근무 마감")
TX(A_HK_C_SHIFT, "end of shift: your top-ups today per method (the drawer's cash)",
   "근무 마감: 오늘 내 충전 합계, 결제 수단별 (현금 서랍)")
TX(A_H_R_DAY, "prev/next day", "이전/다음 날")
TX(A_C_TITLE, "Counter: top-ups", "매표소: 충전")
TX(A_C_ID_Q, "Member id (type or scan):", "회원 번호 (입력 또는 스캔):")
TX(A_C_BAD_ID, "not a member id", "회원 번호가 아닙니다")
TX(A_C_NAME_Q, "Name starts with:", "이름 시작:")
TX(A_C_AMOUNT_Q, "Amount taken (won):", "받은 금액 (원):")
TX(A_C_METHOD_Q, "%s won paid by 1 cash, 2 card, 3 other:", "%s원 결제 수단 1 현금, 2 카드, 3 기타:")
TX(A_C_CHARGED, "Charged %s won to %s.", "%s원 충전됨: %s.")
TX(A_C_NONE, "No member found.", "찾는 회원이 없습니다.")
TX(A_C_NOBODY, "No member yet: i (id or QR), f (name), t (ticket code).",
   "회원을 먼저 찾으세요: i (번호 또는 QR), f (이름), t (티켓 코드).")
TX(A_C_PICK, "Several members: arrows and Enter to pick one.", "여러 회원: 화살표와 Enter로 고르세요.")
TX(A_C_MEMBER, "%s  %s  balance %s", "%s  %s  잔액 %s")
TX(A_C_HISTORY, "Recent history", "최근 내역")
TX(A_R_DAY_TITLE, "Day report (%s) %s .. %s", "일일 정산 (%s) %s .. %s")
TX(A_R_SHIFT_TITLE, "End of shift: %s, %s .. %s", "근무 마감: %s, %s .. %s")
TX(A_R_COLS, "kind       date staff            method   count         amount",
   "종류       회차 직원             수단      건수             금액")
TX(A_R_EMPTY, "Nothing in this day.", "이 날은 기록이 없습니다.")
TX(A_R_TOTAL, "%-8s %6lld  %14s", "%-8s %6lld  %14s")
TX(A_AB_DASH, "Every date's sales and the queue, live. Open a date's seats, steer the queue, add concerts and dates, or act on a hold, booking or code you have in hand.",
   "모든 공연 일정의 판매 현황과 대기열이 실시간으로 나옵니다. 좌석 보기, 대기열 조정, 공연·일정 추가, 선점·예매·코드 처리를 할 수 있습니다.")
TX(A_AB_SEATS, "One date's seat map with hold ids, time left and booking codes, live. Release a hold or refund a booking (each asks first).",
   "한 일정의 좌석 배치도로 선점 번호, 남은 시간, 예매 코드가 실시간으로 나옵니다. 선점 해제나 예매 환불을 할 수 있습니다(먼저 확인합니다).")
TX(A_AB_AUDIT, "Every change made with a staff key, newest first: when, by whom, from where, what and its result.",
   "직원 키로 한 모든 변경이 최신순으로 나옵니다: 언제, 누가, 어디서, 무엇을, 결과는.")
TX(A_AB_START, "Signing in: the console asks the server who your key belongs to, then offers what your role allows.",
   "로그인 중: 콘솔이 서버에 키의 주인을 묻고, 역할이 허용하는 기능만 보여 줍니다.")
TX(A_AB_REPORT, "The day's close: sales and refunds per date, top-ups per staff member and method, and totals.",
   "하루 마감: 일정별 판매와 환불, 직원과 결제 수단별 충전, 합계입니다.")
TX(A_AB_CASH, "The counter: find a member, take money and top up their wallet, see their history; s sums up your shift.",
   "카운터: 회원을 찾아 돈을 받고 지갑을 충전하며 내역을 봅니다. s는 근무 중 충전 합계입니다.")
TX(A_AB_FORM, "A new concert or date: fill the fields, Enter checks them all and says what is wrong before anything is sent.",
   "새 공연이나 일정: 칸을 채우고 Enter를 누르면 보내기 전에 모두 확인하고 틀린 곳을 알려 줍니다.")
TX(A_AB_ASK, "A question about the action you chose: answer it, or Esc to cancel and change nothing.",
   "고른 작업에 대한 질문입니다. 답하거나, Esc로 취소하면 아무것도 바뀌지 않습니다.")
