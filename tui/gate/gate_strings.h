/* tui/gate/gate_strings.h -- the door check-in screen's strings (`kiosk
 * --gate`): TX(id, English, Korean), ids prefixed G_. Included at the end of
 * text_strings.h, as the console's, so the ids live in the one tx_id enum.
 * No include guard on purpose. printf-style entries keep the same
 * conversions in both languages. */
TX(G_TITLE, "ticketd gate", "ticketd 입장 확인")
TX(G_USAGE,
   "usage: kiosk --gate [--gate-name NAME] [--date DATE_ID] [--rpc URL[,URL...]]\n"
   "             [--events URL[,URL...]] [--admin-key-file FILE] [--lang ko|en]\n"
   "A scanner (or a person) types a ticket's code and Enter; the screen says\n"
   "ADMITTED with the seat, or REFUSED and why. --date: refuse other dates'\n"
   "tickets. Needs a gate or admin staff key (default var/admin.key).",
   "사용법: kiosk --gate [--gate-name 이름] [--date 회차ID] [--rpc URL[,URL...]]\n"
   "             [--events URL[,URL...]] [--admin-key-file 파일] [--lang ko|en]\n"
   "스캐너(또는 직원)가 티켓 코드를 입력하고 Enter를 누르면 입장(좌석 표시) 또는\n"
   "거부와 그 이유를 보여 줍니다. --date: 다른 회차 티켓은 거부. 입장 또는 관리자\n"
   "직원 키가 필요합니다 (기본 var/admin.key).")
TX(G_HEAD_GATE, "Gate %s", "입구 %s")
TX(G_HEAD_ANY_GATE, "Gate (no name)", "입구 (이름 없음)")
TX(G_HEAD_DATE, "date %lld", "회차 %lld")
TX(G_HEAD_ANY_DATE, "any date", "모든 회차")
TX(G_COUNT, "Admitted %d / %d sold", "입장 %d / 판매 %d")
TX(G_COUNT_NONE, "Admitted - / - sold", "입장 - / 판매 -")
TX(G_PROMPT, "Scan or type the ticket's code, then Enter:", "티켓 코드를 스캔하거나 입력한 뒤 Enter:")
TX(G_READY, "Ready for the next ticket.", "다음 티켓을 기다립니다.")
TX(G_CHECKING, "Checking %s ...", "%s 확인 중 ...")
TX(G_ADMITTED, "ADMITTED", "입장")
TX(G_REFUSED, "REFUSED", "거부")
TX(G_WHY_USED, "Already used: scanned %s at %s.", "이미 사용됨: %s, %s에서 스캔.")
TX(G_WHY_USED_NOGATE, "Already used: scanned %s.", "이미 사용됨: %s에 스캔.")
TX(G_WHY_REFUNDED, "Refunded: this ticket is void.", "환불됨: 무효 티켓입니다.")
TX(G_WHY_WRONG_DATE, "Another date's ticket: it is for %s.", "다른 회차 티켓: %s 공연입니다.")
TX(G_WHY_UNKNOWN, "Unknown code: no ticket has it.", "알 수 없는 코드: 해당 티켓이 없습니다.")
TX(G_SEAT_LINE, "Seat %s   %s   %s", "좌석 %s   %s   %s")
TX(G_CODE_LINE, "Code %s", "코드 %s")
TX(G_NO_ANSWER, "No answer from the server: scan the ticket again.", "서버 응답이 없습니다: 티켓을 다시 스캔하세요.")
TX(G_FAILED, "The check failed: %s. Scan again or call the box office.", "확인 실패: %s. 다시 스캔하거나 매표소에 문의하세요.")
TX(G_FORBIDDEN, "This key may not check tickets (it needs the gate or admin role).", "이 키로는 입장 확인을 할 수 없습니다 (입장 또는 관리자 권한 필요).")
TX(G_H_SCAN, "check", "확인")
TX(G_H_CLEAR, "clear", "지우기")
TX(G_HK_SCAN, "check the code typed (a scanner sends Enter itself)", "입력한 코드 확인 (스캐너는 Enter를 직접 보냄)")
TX(G_AB_GATE, "The door: scan or type a ticket's code and Enter. ADMITTED lets the holder in; REFUSED says why (used, refunded, another date, unknown).",
   "입구: 티켓 코드를 스캔하거나 입력하고 Enter. 입장 확인이면 들여보내고, 거부면 이유가 나옵니다(사용됨, 환불됨, 다른 일정, 없는 코드).")
