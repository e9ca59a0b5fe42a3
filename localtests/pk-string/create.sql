-- A VARCHAR primary key (utf8mb4, multi-byte values); chunking by string ranges.
drop table if exists gh_ost_test;
create table gh_ost_test (
  k varchar(64) charset utf8mb4 collate utf8mb4_unicode_ci not null,
  v int not null,
  primary key(k)
);

insert into gh_ost_test values
  ('apple', 1), ('Banana', 2), ('cherry', 3), ('ähnlich', 4), ('日本', 5), ('😀', 6), ('', 7), ('zebra', 8),
  ('a', 9), ('ab', 10), ('abc', 11), ('abd', 12), ('b', 13), ('ç', 14), ('Ω', 15), ('0', 16), ('00', 17),
  ('9', 18), ('-', 19), ('~', 20), ('aa', 21), ('ba', 22), ('ca', 23), ('da', 24);

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
  insert into gh_ost_test values (concat('ev-', floor(rand() * 1000000)), 1) on duplicate key update v = v + 1;
  insert into gh_ost_test values ('😀😀', 1) on duplicate key update v = v + 1;
  update gh_ost_test set k = concat(k, '-moved') where k = 'zebra';
  update gh_ost_test set v = v + 1 where k = '日本';
  delete from gh_ost_test where k = 'cherry';
end ;;
