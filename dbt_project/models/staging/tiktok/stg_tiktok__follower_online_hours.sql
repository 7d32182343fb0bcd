{{ stg_follower_online_hours(source('raw', 'tiktok__follower_online_hours')) }}
