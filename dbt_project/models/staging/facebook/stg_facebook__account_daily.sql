{{ stg_account_daily(source('raw', 'facebook__account_daily')) }}
