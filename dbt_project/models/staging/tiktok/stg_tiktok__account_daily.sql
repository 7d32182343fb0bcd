{{ stg_account_daily(source('raw', 'tiktok__account_daily')) }}
