-- A wide table: 60 columns of mixed types; the event changes a few of them.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  c01 bigint,
  c02 varchar(20),
  c03 decimal(10,3),
  c04 datetime(3),
  c05 double,
  c06 char(5),
  c07 tinyint unsigned,
  c08 date,
  c09 text,
  c10 smallint,
  c11 time,
  c12 varbinary(16),
  c13 float,
  c14 enum('x','y','z'),
  c15 int,
  c16 bigint,
  c17 varchar(20),
  c18 decimal(10,3),
  c19 datetime(3),
  c20 double,
  c21 char(5),
  c22 tinyint unsigned,
  c23 date,
  c24 text,
  c25 smallint,
  c26 time,
  c27 varbinary(16),
  c28 float,
  c29 enum('x','y','z'),
  c30 int,
  c31 bigint,
  c32 varchar(20),
  c33 decimal(10,3),
  c34 datetime(3),
  c35 double,
  c36 char(5),
  c37 tinyint unsigned,
  c38 date,
  c39 text,
  c40 smallint,
  c41 time,
  c42 varbinary(16),
  c43 float,
  c44 enum('x','y','z'),
  c45 int,
  c46 bigint,
  c47 varchar(20),
  c48 decimal(10,3),
  c49 datetime(3),
  c50 double,
  c51 char(5),
  c52 tinyint unsigned,
  c53 date,
  c54 text,
  c55 smallint,
  c56 time,
  c57 varbinary(16),
  c58 float,
  c59 enum('x','y','z'),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, -43, 'c2', 3.003, '2020-01-05 01:02:03.004', 5.5, 'c6', 7, '2021-02-09', 'c9', 20, '-11:00:01', x'000c', 13.5, 'z', 55, 62, 'c17', 18.018, '2020-01-20 01:02:03.019', 20.5, 'c21', 22, '2021-02-24', 'c24', 125, '-02:00:01', x'001b', 28.5, 'z', 160, 167, 'c32', 33.033, '2020-01-07 01:02:03.034', 35.5, 'c36', 37, '2021-02-11', 'c39', 230, '-17:00:01', x'002a', 43.5, 'z', 265, 272, 'c47', 48.048, '2020-01-22 01:02:03.049', 50.5, 'c51', 52, '2021-02-26', 'c54', 335, '-08:00:01', x'0039', 58.5, 'z'),
  (null, -36, 'c4', 6.006, '2020-01-09 01:02:03.008', 10.5, 'c12', 14, '2021-02-17', 'c18', 90, '-22:00:01', x'0018', 26.5, 'y', 160, 174, 'c34', 36.036, '2020-01-11 01:02:03.038', 40.5, 'c42', 44, '2021-02-19', 'c48', 300, '-04:00:01', x'0036', 56.5, 'y', 370, 384, 'c64', 66.066, '2020-01-13 01:02:03.068', 70.5, 'c72', 74, '2021-02-21', 'c78', 510, '-10:00:01', x'0054', 86.5, 'y', 580, 594, 'c94', 96.096, '2020-01-15 01:02:03.098', 100.5, 'c102', 104, '2021-02-23', 'c108', 720, '-16:00:01', x'0072', 116.5, 'y'),
  (null, -29, 'c6', 9.009, '2020-01-13 01:02:03.012', 15.5, 'c18', 21, '2021-02-25', 'c27', 160, '-09:00:01', x'0024', 39.5, 'x', 265, 286, 'c51', 54.054, '2020-01-02 01:02:03.057', 60.5, 'c63', 66, '2021-02-14', 'c72', 475, '-06:00:01', x'0051', 84.5, 'x', 580, 601, 'c96', 99.099, '2020-01-19 01:02:03.102', 105.5, 'c108', 111, '2021-02-03', 'c117', 790, '-03:00:01', x'007e', 129.5, 'x', 895, 916, 'c141', 144.144, '2020-01-08 01:02:03.147', 150.5, 'c153', 156, '2021-02-20', 'c162', 1105, '-00:00:01', x'00ab', 174.5, 'x'),
  (null, -22, 'c8', 12.012, '2020-01-17 01:02:03.016', 20.5, 'c24', 28, '2021-02-05', 'c36', 230, '-20:00:01', x'0030', 52.5, 'z', 370, 398, 'c68', 72.072, '2020-01-21 01:02:03.076', 80.5, 'c84', 88, '2021-02-09', 'c96', 650, '-08:00:01', x'006c', 112.5, 'z', 790, 818, 'c128', 132.132, '2020-01-25 01:02:03.136', 140.5, 'c144', 148, '2021-02-13', 'c156', 1070, '-20:00:01', x'00a8', 172.5, 'z', 1210, 1238, 'c188', 192.192, '2020-01-01 01:02:03.196', 200.5, 'c204', 208, '2021-02-17', 'c216', 1490, '-08:00:01', x'00e4', 232.5, 'z'),
  (null, -15, 'c10', 15.015, '2020-01-21 01:02:03.020', 25.5, 'c30', 35, '2021-02-13', 'c45', 300, '-07:00:01', x'003c', 65.5, 'y', 475, 510, 'c85', 90.090, '2020-01-12 01:02:03.095', 100.5, 'c105', 110, '2021-02-04', 'c120', 825, '-10:00:01', x'0087', 140.5, 'y', 1000, 1035, 'c160', 165.165, '2020-01-03 01:02:03.170', 175.5, 'c180', 185, '2021-02-23', 'c195', 1350, '-13:00:01', x'00d2', 215.5, 'y', 1525, 1560, 'c235', 240.240, '2020-01-22 01:02:03.245', 250.5, 'c255', 4, '2021-02-14', 'c270', 1875, '-16:00:01', x'001d', 290.5, 'y'),
  (null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test (c01, c02, c04, c14, c24, c59) values (1, 'ev', now(3), 'y', 'ev24', 'z');
  update gh_ost_test set c01 = c01 + 1, c02 = concat(coalesce(c02, ''), '+'), c59 = 'x', c45 = null where id = 1;
  update gh_ost_test set c07 = 255, c12 = x'ff00', c17 = 'changed' where id = 6;
  delete from gh_ost_test where id = 3;
end ;;
