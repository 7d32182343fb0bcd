{{ stg_account_daily(source('raw', 'linkedin__account_daily')) }}
