/* server/store/store_sql.c -- every statement of the store, once, in the SQL
 * that SQLite and PostgreSQL both speak (`?` for a parameter: the
 * PostgreSQL backend numbers them $1, $2, ... when it prepares). Same rows
 * and columns on every backend, so the rows code is shared too. */
#include "server/store/store_int.h"

const char *const st_sql[ST_COUNT] = {
    [ST_USER_INS] = "INSERT INTO users(id,uuid,name,balance,created_at) VALUES(?,?,?,0,?)",
    [ST_USER_BAL] = "UPDATE users SET balance=? WHERE id=?",
    [ST_ENTRY_INS] = "INSERT INTO queue(seq,user_id,state,issued_at) VALUES(?,?,0,?)",
    [ST_ENTRY_UPD] = "UPDATE queue SET state=?,since=?,admitted_at=? WHERE seq=?",
    [ST_CONCERT_INS] = "INSERT INTO concerts(id,title,venue,created_at,tz) VALUES(?,?,?,?,?)",
    [ST_DATE_INS] = "INSERT INTO dates(id,concert_id,starts_at,on_sale_at,seq) VALUES(?,?,?,?,?)",
    [ST_SEAT_INS] = "INSERT INTO seats(date_id,seat_no,price) VALUES(?,?,?)",
    [ST_DATE_SEQ] = "UPDATE dates SET seq=? WHERE id=?",
    [ST_HOLD_INS] = "INSERT INTO holds(id,user_id,date_id,seat_no,price,created_at,expires_at,"
                    "state) VALUES(?,?,?,?,?,?,?,0)",
    [ST_HOLD_END] = "UPDATE holds SET state=?,ended_at=? WHERE id=?",
    [ST_PAY_INS] = "INSERT INTO payments(id,user_id,amount,balance,paid_at,request_id) "
                   "VALUES(?,?,?,?,?,?)",
    [ST_BOOK_INS] = "INSERT INTO bookings(id,code,user_id,payment_id,hold_id,date_id,seat_no,"
                    "price,paid_at,state) VALUES(?,?,?,?,?,?,?,?,?,0)",
    [ST_BOOK_REFUND] = "UPDATE bookings SET state=1,refunded_at=? WHERE id=?",
    [ST_LEDGER_INS] = "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref,method,staff) "
                      "VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_IDEM_INS] = "INSERT INTO idempotency(user_id,request_id,method,params,result_ref) "
                    "VALUES(?,?,?,?,?)",
    [ST_SETTING_PUT] = "INSERT INTO settings(key,value) VALUES(?,?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
    [ST_DRAW_INS] = "INSERT INTO draws(first_seq,n,drawn_at,ms,ord) VALUES(?,?,?,?,?)",
    [ST_AUDIT_INS] = "INSERT INTO audit(at,method,peer,params,result,staff,node) "
                     "VALUES(?,?,?,?,?,?,?)",
    [ST_AUDIT_LIST] = "SELECT id,at,method,peer,params,result,staff,node FROM audit WHERE id<? "
                      "ORDER BY id DESC LIMIT ?",
    [ST_COUNT_CONCERTS] = "SELECT count(*) FROM concerts",
    [ST_L_USERS] = "SELECT id,uuid,name,balance FROM users ORDER BY id",
    [ST_L_ENTRIES] = "SELECT seq,user_id,state,issued_at,since,admitted_at FROM queue ORDER BY seq",
    [ST_L_CONCERTS] = "SELECT id,title,venue,tz FROM concerts ORDER BY id",
    [ST_L_DATES] = "SELECT id,concert_id,starts_at,on_sale_at,seq FROM dates ORDER BY id",
    [ST_L_SEATS] = "SELECT date_id,seat_no,price FROM seats ORDER BY date_id,seat_no",
    [ST_L_HOLDS] = "SELECT id,user_id,date_id,seat_no,price,expires_at,state FROM holds "
                   "ORDER BY id",
    [ST_L_PAYMENTS] = "SELECT id,user_id,amount,balance,paid_at FROM payments ORDER BY id",
    [ST_L_BOOKINGS] = "SELECT id,code,user_id,payment_id,hold_id,date_id,seat_no,price,"
                      "paid_at,state FROM bookings ORDER BY id",
    [ST_L_LEDGER] = "SELECT id,user_id,kind,amount,balance,at,ref,method,staff FROM ledger "
                    "ORDER BY id",
    [ST_L_IDEM] = "SELECT user_id,request_id,method,params,result_ref FROM idempotency",
    [ST_L_SETTINGS] = "SELECT key,value FROM settings",
    [ST_L_DRAWS] = "SELECT first_seq,n,drawn_at,ms,ord FROM draws ORDER BY id",
    [ST_SUM_LEDGER] = "SELECT coalesce(sum(CASE WHEN kind='charge' THEN amount END),0),"
                      "coalesce(-sum(CASE WHEN kind='payment' THEN amount END),0),"
                      "coalesce(sum(CASE WHEN kind='refund' THEN amount END),0) FROM ledger",
    [ST_SUM_BALANCES] = "SELECT coalesce(sum(balance),0) FROM users",
    [ST_SUM_BOOKINGS] = "SELECT coalesce(sum(price),0) FROM bookings",
    [ST_SUM_PAYMENTS] = "SELECT coalesce(sum(amount),0) FROM payments",
    [ST_SUM_HOLDS] = "SELECT count(*) FROM holds WHERE state=0",
    /* door check-in: a booking's first scan */
    [ST_CHECKIN_INS] = "INSERT INTO checkins(booking_id,at,gate) VALUES(?,?,?)",
    [ST_L_CHECKINS] = "SELECT booking_id,at,gate FROM checkins ORDER BY booking_id",
};
