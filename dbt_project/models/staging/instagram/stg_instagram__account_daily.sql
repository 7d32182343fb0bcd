{{ stg_account_daily(source('raw', 'instagram__account_daily')) }}
