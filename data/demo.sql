-- data/demo.sql -- the demo catalog: 3 concerts, 6 dates, tiered prices.
-- Run by `ticketd --demo` (tk_load_demo) only into an empty catalog, inside
-- one transaction. Times are relative to now, so the demo is always
-- bookable: every date is on sale from an hour ago and starts 1-6 weeks
-- out. Ids are explicit: the server numbers rows densely from 1. The halls
-- are in Seoul (UTC+9, no daylight saving): a day's start (UTC) plus 10
-- hours is 19:00 there, so the shows start at 17:00..20:00 Seoul time.

INSERT INTO concerts (id, title, venue, created_at, tz) VALUES
    (1, 'IU 콘서트 <HEREH>',          '잠실 올림픽주경기장', strftime('%s','now') * 1000, 'Asia/Seoul'),
    (2, 'Seoul Philharmonic: Mahler 5', '예술의전당 콘서트홀', strftime('%s','now') * 1000, 'Asia/Seoul'),
    (3, 'NewJeans Fan Meeting',         'KSPO Dome',            strftime('%s','now') * 1000, 'Asia/Seoul');

INSERT INTO dates (id, concert_id, starts_at, on_sale_at, seq) VALUES
    (1, 1, strftime('%s','now','+14 days','start of day','+10 hours') * 1000, strftime('%s','now','-1 hour') * 1000, 0),
    (2, 1, strftime('%s','now','+15 days','start of day','+9 hours') * 1000, strftime('%s','now','-1 hour') * 1000, 0),
    (3, 2, strftime('%s','now','+7 days','start of day','+11 hours') * 1000,  strftime('%s','now','-1 hour') * 1000, 0),
    (4, 2, strftime('%s','now','+21 days','start of day','+11 hours') * 1000, strftime('%s','now','-1 hour') * 1000, 0),
    (5, 3, strftime('%s','now','+28 days','start of day','+8 hours') * 1000, strftime('%s','now','-1 hour') * 1000, 0),
    (6, 3, strftime('%s','now','+42 days','start of day','+8 hours') * 1000, strftime('%s','now','-1 hour') * 1000, 0);

-- 50 seats per date. Tiers: VIP 1-10, R 11-30, S 31-50; the orchestra is
-- cheaper, the fan meeting has a flat-ish scale.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO seats (date_id, seat_no, price)
SELECT d.id, n.i,
       CASE d.concert_id
           WHEN 1 THEN CASE WHEN n.i <= 10 THEN 150000 WHEN n.i <= 30 THEN 110000 ELSE 80000 END
           WHEN 2 THEN CASE WHEN n.i <= 10 THEN 120000 WHEN n.i <= 30 THEN 90000 ELSE 50000 END
           ELSE        CASE WHEN n.i <= 20 THEN 99000 ELSE 77000 END
       END
FROM dates d, n
ORDER BY d.id, n.i;
