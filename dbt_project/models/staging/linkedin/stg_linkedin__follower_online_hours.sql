{{ stg_follower_online_hours(source('raw', 'linkedin__follower_online_hours')) }}
