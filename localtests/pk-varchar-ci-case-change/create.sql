-- A case-insensitive VARCHAR primary key whose value the event changes from 'a'
-- to 'A' and back: the key bytes change, the collation says the key is equal.
drop table if exists gh_ost_test;
create table gh_ost_test (
  k varchar(32) charset utf8mb4 collate utf8mb4_general_ci not null,
  i int not null,
  primary key(k)
);

insert into gh_ost_test values ('a', 1), ('b', 2), ('Straße', 3), ('ü', 4), ('x ', 5), ('zz', 6);

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
  update gh_ost_test set k = if(binary k = 'a', 'A', 'a'), i = i + 1 where k = 'a';
  update gh_ost_test set k = if(binary k = 'ü', 'Ü', 'ü') where k = 'ü';
  update gh_ost_test set k = 'ZZ' where binary k = 'zz';
  insert into gh_ost_test values (concat('n', floor(rand() * 1000000)), 7) on duplicate key update i = i + 1;
  delete from gh_ost_test where k = 'b';
end ;;
