{{ stg_account_daily(source('raw', 'youtube__account_daily')) }}
