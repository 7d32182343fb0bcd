{{ stg_account_daily(source('raw', 'x__account_daily')) }}
