{{ stg_follower_online_hours(source('raw', 'facebook__follower_online_hours')) }}
