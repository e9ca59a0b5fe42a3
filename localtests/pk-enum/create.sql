-- An ENUM column in the primary key (ordered by ordinal, not by name).
drop table if exists gh_ost_test;
create table gh_ost_test (
  e enum('zulu', 'alpha', 'mike') not null,
  n int not null,
  v int,
  primary key(e, n)
);

insert into gh_ost_test values ('zulu', 1, 1), ('alpha', 1, 2), ('mike', 1, 3), ('zulu', 2, 4), ('alpha', 2, 5);

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
  insert into gh_ost_test values (elt(1 + floor(rand() * 3), 'zulu', 'alpha', 'mike'), floor(rand() * 1000000), 1)
    on duplicate key update v = v + 1;
  update gh_ost_test set e = 'mike' where e = 'zulu' and n = 2;
  delete from gh_ost_test where e = 'alpha' and n = 1;
end ;;
