{{ stg_follower_online_hours(source('raw', 'instagram__follower_online_hours')) }}
