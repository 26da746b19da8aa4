-- data/demo.pg.sql -- data/demo.sql in PostgreSQL's dialect (the same
-- catalog; read that file's comments). `ticketd --demo` picks this one
-- when --db is a PostgreSQL database and no --demo-sql is given.

INSERT INTO concerts (id, title, venue, created_at, tz) VALUES
    (1, 'IU 콘서트 <HEREH>',          '잠실 올림픽주경기장', (extract(epoch FROM now()) * 1000)::bigint, 'Asia/Seoul'),
    (2, 'Seoul Philharmonic: Mahler 5', '예술의전당 콘서트홀', (extract(epoch FROM now()) * 1000)::bigint, 'Asia/Seoul'),
    (3, 'NewJeans Fan Meeting',         'KSPO Dome',            (extract(epoch FROM now()) * 1000)::bigint, 'Asia/Seoul');

-- Days counted like SQLite's 'start of day' (UTC), plus the hour (UTC:
-- 10 is 19:00 in Seoul).
INSERT INTO dates (id, concert_id, starts_at, on_sale_at, seq)
SELECT v.id, v.concert_id,
       (extract(epoch FROM date_trunc('day', now() AT TIME ZONE 'UTC') + make_interval(days => v.days, hours => v.hours)) * 1000)::bigint,
       (extract(epoch FROM now() - interval '1 hour') * 1000)::bigint, 0
FROM (VALUES (1, 1, 14, 10), (2, 1, 15, 9), (3, 2, 7, 11),
             (4, 2, 21, 11), (5, 3, 28, 8), (6, 3, 42, 8)) AS v(id, concert_id, days, hours);

INSERT INTO seats (date_id, seat_no, price)
SELECT d.id, n.i,
       CASE d.concert_id
           WHEN 1 THEN CASE WHEN n.i <= 10 THEN 150000 WHEN n.i <= 30 THEN 110000 ELSE 80000 END
           WHEN 2 THEN CASE WHEN n.i <= 10 THEN 120000 WHEN n.i <= 30 THEN 90000 ELSE 50000 END
           ELSE        CASE WHEN n.i <= 20 THEN 99000 ELSE 77000 END
       END
FROM dates d, generate_series(1, 50) AS n(i)
ORDER BY d.id, n.i;
