{{ stg_follower_online_hours(source('raw', 'youtube__follower_online_hours')) }}
